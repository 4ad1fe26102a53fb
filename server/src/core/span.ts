/** A half-open range [start, end) of offsets. */
export interface Span {
  start: number;
  end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}
