// The xstate version persisted snapshots were written with. xstate is pinned exactly in package.json
// because its persisted format has changed in patch releases; a test keeps this constant honest.
export const XSTATE_VERSION = '5.33.3';
