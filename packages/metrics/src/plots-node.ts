export { renderPng, renderSvg, writePlot, type RenderPngOptions } from './node/render.js';
