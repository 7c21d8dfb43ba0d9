// Script-tag entry: `OtelRum.initRum({...})`.
export { initRum, VERSION } from './index';
