import { resolve } from 'node:path';

/**
 * The bundled sample Django backend (the course's project). Packaged apps keep resources in
 * app.asar, which only Electron's fs can read; Docker builds from the unpacked copy that
 * electron-builder leaves beside it.
 */
export const SAMPLE_BACKEND = resolve(import.meta.dirname, '../../resources/sample-backend').replace(
  /([\\/])app\.asar([\\/])/,
  '$1app.asar.unpacked$2',
);
