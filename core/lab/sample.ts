import { resourcePath } from '../paths';

/**
 * The bundled sample Django backend (the course's project). In a packaged app Docker builds from
 * the unpacked copy electron-builder leaves beside app.asar, which only Electron's fs can read.
 */
export const SAMPLE_BACKEND = resourcePath('sample-backend');
