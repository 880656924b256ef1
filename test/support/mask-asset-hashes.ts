/**
 * Snapshot serializer: replaces asset hashes (64 hex characters, alone or in file names) so a
 * snapshot changes only when the template does, not when a bundled asset's bytes do.
 */
const HASH = /[0-9a-f]{64}/;
const HASHES = /[0-9a-f]{64}/g;
const MASKED = '[ASSET-HASH]';

module.exports = {
  test: (value: unknown) => typeof value === 'string' && HASH.test(value),
  serialize: (value: string) => JSON.stringify(value.replace(HASHES, MASKED)),
};
