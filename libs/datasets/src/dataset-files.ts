// Where loadDataset gets a dataset's files: the verified cache (fetch.ts), in Node. In a page, package.json's
// "browser" field maps this file to dataset-files.browser.ts.
export { ensureDatasetFiles } from './fetch';
