import { defineConnector } from '../define.js';
import { xmlDocs } from './docs.js';
import { xmlSinkOptions, xmlSourceOptions } from './options.js';

export const xml = defineConnector({
  name: 'xml',
  summary: 'XML files: streamed records (saxes), flattened to columns; writes well-formed XML',
  docs: xmlDocs,
  status: 'beta',
  source: {
    options: xmlSourceOptions,
    capabilities: { incremental: false, knows_schema: false },
  },
  sink: {
    options: xmlSinkOptions,
    capabilities: { modes: ['overwrite'], transactional: false, atomic_replace: true },
  },
  examples: [
    {
      title: 'Orders from an XML export to NDJSON',
      yaml: `version: 1
name: xml_orders
extract:
  type: xml
  path: data/orders.xml
  record_element: orders/order
  columns:
    id: integer
    total: decimal
load:
  type: ndjson
  path: out/orders.ndjson
`,
    },
    {
      title: 'CSV to an XML feed',
      yaml: `version: 1
name: csv_to_xml
extract:
  type: csv
  path: data/products.csv
load:
  type: xml
  path: out/products-{date}.xml
  root_element: products
  record_element: product
  nulls: omit
`,
    },
  ],
  extensions: ['.xml'],
  load: async () => {
    const [{ xmlSource }, { xmlSink }] = await Promise.all([import('./source.js'), import('./sink.js')]);
    return { source: xmlSource, sink: xmlSink };
  },
});
