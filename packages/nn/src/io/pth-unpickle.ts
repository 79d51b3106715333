import { PTH_GLOBALS, UNSUPPORTED_STORAGES } from './pth-globals.js';
import { PthError } from './pth-error.js';
import { callGlobal, dictSet, persistentLoad } from './pth-rebuild.js';
import { describe, PthObject, PyGlobal, type Raw, type StorageRef, TensorRef, tuple, TUPLES, type UnpickleContext } from './pth-values.js';

const ALLOWED = new Set(PTH_GLOBALS);
const MAX_LONG_BYTES = 4096;

/**
 * A restricted unpickler for the `data.pkl` of `torch.save` archives (protocols 0–5 as torch
 * writes them). It never imports or calls anything: GLOBAL resolves only names in
 * {@link PTH_GLOBALS}, and REDUCE / NEWOBJ / BUILD run JavaScript stand-ins for those.
 * Every length is checked against the bytes before it is read; total work is bounded by a
 * budget proportional to the input, so a hostile pickle costs linear time.
 */
export function unpickle(data: Uint8Array, file?: string, inert = false): Raw {
  const fail = (why: string, kind: 'invalid_pickle' | 'too_large' = 'invalid_pickle'): PthError => new PthError(kind, `data.pkl: ${why}`, file);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  const storages = new Map<string, StorageRef>();
  const memo = new Map<number, Raw>();
  let stack: Raw[] = [];
  const marks: Raw[][] = [];
  let pos = 0;
  let budget = 8 * data.length + 1_000_000;
  const spend = (n: number): void => {
    budget -= n;
    if (budget < 0) throw fail('the pickle asks for more work than its size allows (hostile input?)', 'too_large');
  };

  const take = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > data.length) throw fail(`truncated: needs ${n} bytes at offset ${pos}, ${data.length - pos} left`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => data[take(1)]!;
  const u16 = (): number => dv.getUint16(take(2), true);
  const u32 = (): number => dv.getUint32(take(4), true);
  const u64 = (): number => {
    const v = dv.getBigUint64(take(8), true);
    if (v > BigInt(data.length)) throw fail(`declared length ${v} exceeds the pickle (${data.length} bytes)`);
    return Number(v);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw fail(`truncated: unterminated line at offset ${pos}`);
    const s = latin1.decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const text = (n: number): string => {
    const at = take(n);
    try {
      return utf8.decode(data.subarray(at, at + n));
    } catch {
      throw fail(`invalid UTF-8 string at offset ${at}`);
    }
  };
  const pop = (): Raw => {
    const v = stack.pop();
    if (v === undefined) throw fail(`stack underflow at offset ${pos - 1}`);
    return v;
  };
  const top = (): Raw => {
    const v = stack[stack.length - 1];
    if (v === undefined) throw fail(`empty stack at offset ${pos - 1}`);
    return v;
  };
  const popMark = (): Raw[] => {
    const items = stack;
    const prev = marks.pop();
    if (!prev) throw fail(`no MARK to pop to at offset ${pos - 1}`);
    stack = prev;
    spend(items.length);
    return items;
  };
  const int = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) throw fail(`integer of ${n} bytes is above the limit of ${MAX_LONG_BYTES}`, 'too_large');
    const at = take(n);
    if (n === 0) return 0;
    let hex = '';
    for (let i = at + n - 1; i >= at; i--) hex += data[i]!.toString(16).padStart(2, '0');
    let v = BigInt(`0x${hex}`);
    if (data[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return int(v);
  };
  const memoPut = (i: number): void => {
    memo.set(i, top());
  };
  const memoGet = (i: number): void => {
    if (!memo.has(i)) throw fail(`memo key ${i} is not defined`);
    stack.push(memo.get(i)!);
  };
  const global = (module: string, name: string): PyGlobal => {
    const q = `${module}.${name}`;
    // Storage classes nnkit cannot hold are recognised, to be refused as unsupported dtypes.
    if (!ALLOWED.has(q) && !(module === 'torch' && UNSUPPORTED_STORAGES.has(name))) {
      if (inert) return new PyGlobal(q, true);
      const shown = q.length > 120 ? `${q.slice(0, 120)}…` : q;
      throw new PthError('forbidden_global', `global '${shown}' is not allowed: the pickle would import and call it. nnkit never runs code from a checkpoint and reads only tensors, plain values and these globals: ${PTH_GLOBALS.join(', ')}`, file);
    }
    return new PyGlobal(q);
  };
  const ctx: UnpickleContext = { file, fail, spend, storages };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) throw fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: { // STOP
        const v = pop();
        if (stack.length || marks.length) throw fail('STOP with items left on the stack');
        return v;
      }
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(dv.getInt32(take(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(long(u8())); break; // LONG1
      case 0x8b: { // LONG4
        const n = dv.getInt32(take(4), true);
        if (n < 0) throw fail('LONG4 with a negative length');
        stack.push(long(n));
        break;
      }
      case 0x49: { // INT (protocol 0; '01'/'00' are booleans)
        const s = line().trim();
        if (s === '01' || s === '00') stack.push(s === '01');
        else if (/^[-+]?\d{1,300}$/.test(s)) stack.push(int(BigInt(s)));
        else throw fail(`INT ${JSON.stringify(s.slice(0, 40))} is not an integer`);
        break;
      }
      case 0x4c: { // LONG (protocol 0)
        const s = line().trim().replace(/L$/, '');
        if (!/^[-+]?\d{1,300}$/.test(s)) throw fail(`LONG ${JSON.stringify(s.slice(0, 40))} is not an integer`);
        stack.push(int(BigInt(s)));
        break;
      }
      case 0x47: stack.push(dv.getFloat64(take(8), false)); break; // BINFLOAT (big-endian)
      case 0x46: { // FLOAT (protocol 0)
        const s = line().trim();
        const v = /^[-+]?inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
        if (s === '' || (Number.isNaN(v) && s.toLowerCase() !== 'nan')) throw fail(`FLOAT ${JSON.stringify(s.slice(0, 40))} is not a number`);
        stack.push(v);
        break;
      }
      case 0x56: { // UNICODE (protocol 0): raw-unicode-escape, one line
        const raw = line();
        stack.push(raw.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string | undefined, b: string | undefined) => {
          const cp = parseInt(a ?? b!, 16);
          if (cp > 0x10ffff) throw fail(`UNICODE escape \\U${b} is out of range`);
          return String.fromCodePoint(cp);
        }));
        break;
      }
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x55: { const n = u8(); const at = take(n); stack.push(latin1.decode(data.subarray(at, at + n))); break; } // SHORT_BINSTRING
      case 0x54: { const n = u32(); const at = take(n); stack.push(latin1.decode(data.subarray(at, at + n))); break; } // BINSTRING
      case 0x43: { const n = u8(); const at = take(n); stack.push(data.slice(at, at + n)); break; } // SHORT_BINBYTES
      case 0x42: { const n = u32(); const at = take(n); stack.push(data.slice(at, at + n)); break; } // BINBYTES
      case 0x8e: // BINBYTES8
      case 0x96: { const n = u64(); const at = take(n); stack.push(data.slice(at, at + n)); break; } // BYTEARRAY8
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x74: { const t = tuple(popMark()); stack.push(t); break; } // TUPLE (popMark replaces `stack`: call it first)
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push(tuple([pop(), b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push(tuple([pop(), b, c])); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: { const l = popMark(); stack.push(l); break; } // LIST
      case 0x61: { // APPEND
        const v = pop();
        const t = top();
        const l = t instanceof PthObject ? t.list : t;
        if (!Array.isArray(l) || TUPLES.has(l)) throw fail(`APPEND to ${describe(l)}, not a list`);
        l.push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const t = top();
        const l = t instanceof PthObject ? t.list : t;
        if (!Array.isArray(l) || TUPLES.has(l)) throw fail(`APPENDS to ${describe(l)}, not a list`);
        for (const v of items) l.push(v);
        break;
      }
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { // DICT
        const items = popMark();
        if (items.length % 2) throw fail('DICT with an odd number of items');
        const d = new Map<Raw, Raw>();
        for (let i = 0; i < items.length; i += 2) dictSet(d, items[i]!, items[i + 1]!, ctx);
        stack.push(d);
        break;
      }
      case 0x73: { const v = pop(); const k = pop(); dictSet(top(), k, v, ctx); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        if (items.length % 2) throw fail('SETITEMS with an odd number of items');
        const d = top();
        for (let i = 0; i < items.length; i += 2) dictSet(d, items[i]!, items[i + 1]!, ctx);
        break;
      }
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) throw fail(`ADDITEMS to ${describe(s)}, not a set`);
        for (const v of items) s.add(v);
        break;
      }
      case 0x91: { const s = new Set(popMark()); stack.push(s); break; } // FROZENSET
      case 0x63: { const m = line(); stack.push(global(m, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const m = pop();
        if (typeof m !== 'string' || typeof name !== 'string') throw fail('STACK_GLOBAL needs two strings');
        stack.push(global(m, name));
        break;
      }
      case 0x69: { // INST: module, name lines, then arguments since MARK
        const m = line();
        const g = global(m, line());
        const v = callGlobal(g, tuple(popMark()), ctx);
        stack.push(v);
        break;
      }
      case 0x6f: { // OBJ: class and arguments since MARK
        const items = popMark();
        if (!items.length) throw fail('OBJ without a class');
        stack.push(callGlobal(items[0]!, tuple(items.slice(1)), ctx));
        break;
      }
      case 0x52: { const args = pop(); stack.push(callGlobal(pop(), args, ctx)); break; } // REDUCE
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        if (cls instanceof PyGlobal && cls.unknown && Array.isArray(args)) {
          stack.push(new PthObject<Raw>(cls.qualname, args));
          break;
        }
        if (!(cls instanceof PyGlobal) || !['collections.OrderedDict', 'builtins.set', 'builtins.frozenset'].includes(cls.qualname)) throw fail(`NEWOBJ of ${describe(cls)} is not supported`);
        if (!Array.isArray(args)) throw fail('NEWOBJ arguments must be a tuple');
        stack.push(callGlobal(cls, tuple([]), ctx));
        break;
      }
      case 0x92: { // NEWOBJ_EX
        pop();
        const args = pop();
        const cls = pop();
        if (cls instanceof PyGlobal && cls.unknown && Array.isArray(args)) {
          stack.push(new PthObject<Raw>(cls.qualname, args));
          break;
        }
        if (!(cls instanceof PyGlobal) || cls.qualname !== 'collections.OrderedDict') throw fail(`NEWOBJ_EX of ${describe(cls)} is not supported`);
        stack.push(new Map());
        break;
      }
      case 0x62: { // BUILD: set state; only on dicts (OrderedDict._metadata) and tensors, where it is dropped
        const state = pop();
        const obj = top();
        if (obj instanceof PthObject) {
          obj.state = state;
          break;
        }
        if (!(obj instanceof Map || obj instanceof TensorRef)) throw fail(`BUILD on ${describe(obj)} is not supported`);
        void state;
        break;
      }
      case 0x51: stack.push(persistentLoad(pop(), ctx)); break; // BINPERSID
      case 0x50: throw fail('text persistent ids (PERSID) are not used by torch.save'); // PERSID
      case 0x71: memoPut(u8()); break; // BINPUT
      case 0x72: memoPut(u32()); break; // LONG_BINPUT
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x70: { // PUT
        const s = line();
        if (!/^\d{1,9}$/.test(s)) throw fail('PUT needs a decimal index');
        memoPut(Number(s));
        break;
      }
      case 0x68: memoGet(u8()); break; // BINGET
      case 0x6a: memoGet(u32()); break; // LONG_BINGET
      case 0x67: { // GET
        const s = line();
        if (!/^\d{1,9}$/.test(s)) throw fail('GET needs a decimal index');
        memoGet(Number(s));
        break;
      }
      case 0x82:
      case 0x83:
      case 0x84: // EXT1/2/4: the copyreg extension registry names globals by number
        throw new PthError('forbidden_global', 'data.pkl: extension-registry globals (EXT1/2/4) are not allowed', file);
      default:
        throw fail(`unknown or unsupported opcode 0x${op.toString(16).padStart(2, '0')} at offset ${pos - 1}`);
    }
  }
}

