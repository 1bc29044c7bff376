// Builds the CLI's bundle from rolldown.config.mjs through rolldown's API: the same build as `rolldown -c`,
// without its chunk-by-chunk listing in every `npm run build` and CI log.
import { build } from 'rolldown';
import config from '../rolldown.config.mjs';

await build(config);
