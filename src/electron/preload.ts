// The preload: bundled to one CommonJS file (dist/preload.cjs) because sandboxed preloads cannot
// be ES modules. It exposes the contract as window.ecrKeeper and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi } from './bridge';

contextBridge.exposeInMainWorld('ecrKeeper', createBridgeApi(ipcRenderer));
