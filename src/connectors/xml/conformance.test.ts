import { describeFileConnectorConformance } from '../../testing/conformance.js';
import { xml } from './index.js';

describeFileConnectorConformance(xml, {
  extension: '.xml',
  sourceOptions: (path) => ({ path, record_element: 'record', infer: false }),
  sinkOptions: (path) => ({ path }),
});
