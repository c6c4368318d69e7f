// A simulated agent's talk time (docs/agents.md: lognormal with the agent's median and sigma).

/** Seconds of talk: exp(ln(median) + sigma × a standard normal draw). */
export function lognormalSeconds(median: number, sigma: number, random = Math.random): number {
  // Box–Muller; 1 - random() keeps the logarithm's argument above 0.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(Math.log(Math.max(median, 0.001)) + sigma * normal);
}
