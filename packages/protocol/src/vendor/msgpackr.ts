/**
 * msgpackr's `Packr`, the one part of msgpackr the protocol uses.
 *
 * In the repository this re-exports the `msgpackr` package (a development
 * dependency). The published package ships msgpackr's pure-JavaScript
 * encoder and decoder bundled into `dist/vendor/msgpackr.js` instead
 * (`scripts/vendor-msgpackr.mjs`, run by `build` and `prepack`): the same
 * code, 32 KB instead of a 2.6 MB install with an optional native addon and
 * its install script.
 *
 * @module
 * @internal
 */
export { Packr } from 'msgpackr';
