/** One line of the combined log: the image build, a replica's output, later the access log. */
export interface LogEntry {
  /** `build`, a backend name (`backend2`), `access`, ... */
  source: string;
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds as Docker writes it (sorts as text), or `new Date().toISOString()`. */
  time: string;
  line: string;
}
