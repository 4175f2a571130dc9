// Many unit tests wait out real back-off: the Azure SDK's exponential retries, Retry-After from the emulator,
// SIGNL4's window resets. They assert what happened, never how long it took, but jest's default 5 s budget turned
// such a wait into a failure when CI's two cores were busy (the push trigger's 503 test took 4.1–4.7 s on a quiet
// machine). One generous budget for every unit file; a file that needs more still sets its own.
jest.setTimeout(60_000);
