// Lets `node --test` run the TypeScript tests directly (tsx = esbuild under the hood, CJS and ESM).
import 'tsx';
