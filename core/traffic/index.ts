export { TrafficGenerator, type TrafficEvents } from './generator';
export { TrafficOptionsError } from './options';
export {
  defaultBackendExtractor,
  headerBackendExtractor,
  headerValue,
  type BackendExtractor,
  type ResponseForExtractor,
} from './backend-extractor';
export { parseDuration } from './duration';
export { parseHeader } from './request-bytes';
export { generatorOptionsFor } from './from-contract';
export { liveLine, summaryText, formatMs } from './summary-text';
export type {
  HistogramBucket,
  LatencyPercentiles,
  LatencyStats,
  TrafficGeneratorOptions,
  TrafficSample,
  TrafficSummary,
} from './types';
