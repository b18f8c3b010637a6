// The window's only door to the app: window.ecrKeeper (exposed by the preload). Each call returns
// {result} or {error}; `call` turns that into a value or a thrown ApiError that keeps the category,
// fix and per-field problems for display.
import type { EcrKeeperApi, ErrorView, MethodName, Result } from '../electron/contract';

export class ApiError extends Error {
  constructor(readonly view: ErrorView) {
    super(view.message);
    this.name = 'ApiError';
  }
}

export function api(): EcrKeeperApi {
  const k = (window as Window).ecrKeeper;
  if (!k) throw new Error('window.ecrKeeper is missing: the preload did not run.');
  return k;
}

type Ret<M extends MethodName> = ReturnType<EcrKeeperApi[M]> extends Promise<Result<infer T>> ? T : never;

export async function call<M extends MethodName>(method: M, ...args: Parameters<EcrKeeperApi[M]>): Promise<Ret<M>> {
  const fn = api()[method] as (...a: unknown[]) => Promise<Result<Ret<M>>>;
  let res: Result<Ret<M>>;
  try {
    res = await fn(...args);
  } catch (err) {
    throw new ApiError({
      category: 'internal',
      message: err instanceof Error ? err.message : String(err),
      fix: 'Restart ECR Keeper; if it keeps happening, report it with the activity log.',
    });
  }
  if (res && 'error' in res) throw new ApiError(res.error);
  return res.result;
}

export function errorView(err: unknown): ErrorView {
  if (err instanceof ApiError) return err.view;
  return {
    category: 'internal',
    message: err instanceof Error ? err.message : String(err),
    fix: 'Try again; if it keeps happening, report it with the activity log.',
  };
}
