// electron-store as the core's StoreOpener. electron-store overwrites conf's `configName` with its
// own `name` option (default "config"), so the name must travel as `name`, or the state file
// would be opened as config.json and clobber the settings. Same files and checks as the CLI's conf.
import type { JsonStore, StoreOpener, StoreOptions } from '../core/settings';

export type StoreConstructor = new (options: Omit<StoreOptions, 'configName'> & { name: string }) => unknown;

export function electronStoreOpener(Store: StoreConstructor): StoreOpener {
  return (options) => {
    const { configName, ...rest } = options;
    return new Store({ ...rest, name: configName }) as JsonStore;
  };
}
