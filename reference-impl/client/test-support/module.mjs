// A JS module for the interop test's `import` call (IJSRuntime.InvokeAsync<IJSObjectReference>("import", "./…")).
export function twice(x) { return 2 * x; }
