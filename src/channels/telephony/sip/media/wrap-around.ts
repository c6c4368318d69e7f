// Sequence numbers (16 bits) and timestamps (32 bits) wrap around. To compare and order them we
// extend each to an unbounded number: the value congruent to it modulo 2^bits that lies nearest
// to a reference (the highest extended value seen so far). A value up to half the range behind
// the reference counts as older, anything else as newer.

export const SEQUENCE_MODULUS = 0x1_0000;
export const TIMESTAMP_MODULUS = 0x1_0000_0000;

export function extend(value: number, reference: number, modulus: number): number {
  const base = reference - mod(reference, modulus);
  let candidate = base + value;
  if (candidate - reference > modulus / 2) candidate -= modulus;
  else if (reference - candidate > modulus / 2) candidate += modulus;
  return candidate;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
