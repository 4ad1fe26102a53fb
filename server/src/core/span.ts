/** A half-open range [start, end) of offsets. */
export interface Span {
  start: number;
  end: number;
}
