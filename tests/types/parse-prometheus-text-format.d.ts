declare module 'parse-prometheus-text-format' {
  export interface MetricFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: Array<{ labels?: Record<string, string>; value?: string }>;
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
