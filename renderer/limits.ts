// Mirror of LIMITS in electron/core/settings.ts. That module reads files with node:fs, so the
// browser bundle cannot import it; tests/ui/format.test.ts fails if these two ever differ. The
// keeper validates every settings patch itself, so these only shape the inputs.
export const LIMITS = {
  refreshLeadMinutes: { min: 5, max: 360 },
  notifyLeadMinutes: { min: 1, max: 360 },
  loginTimeoutSeconds: { min: 5, max: 300 },
} as const;
