// Lets `node --test` run the TypeScript tests directly (tsx = esbuild under the hood).
import { register } from 'tsx/esm/api';
register();
