// The smallest JS contract: the returned value, JSON-stringified, is the result's output.
export function execute(input) {
  return { greeting: `Hello, ${input?.name ?? 'world'}!` };
}
