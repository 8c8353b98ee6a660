#!/usr/bin/env node
// Writes Kusto's own catalog of built-in functions, aggregates and plugins, one `kind<TAB>name`
// line each, sorted: the list tests/catalog.rs checks kqlite against (tests/catalog/kusto-functions.tsv).
//
// Kusto.Language (Microsoft's parser and binder, npm package @kusto/language-service-next, the one
// kusto-ref wraps) keeps the lists in Kusto.Language.Functions.All, .Aggregates.All and .PlugIns.All.
// Hidden entries (internal or long-obsolete names the language service does not offer) are left out.
//
// Run from a kusto-ref checkout whose node_modules are installed (npm ci there):
//   NODE_PATH=<kusto-ref>/node_modules node tests/catalog/list.js > tests/catalog/kusto-functions.tsv
'use strict';
require('@kusto/language-service-next/bridge.min.js');
require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');

const K = global.Kusto.Language;
const families = [
  ['scalar', K.Functions.All],
  ['aggregate', K.Aggregates.All],
  ['plugin', K.PlugIns.All],
];
const lines = new Set();
for (const [kind, list] of families) {
  for (const symbol of global.Bridge.toArray(list)) {
    if (!symbol.IsHidden) lines.add(`${kind}\t${symbol.Name}`);
  }
}
process.stdout.write([...lines].sort().join('\n') + '\n');
