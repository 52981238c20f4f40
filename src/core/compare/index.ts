// The compare query (issue 13): two image models in, plain data out (the `layerlens compare --json` contract).
export { compareImages, type CompareOptions } from './compareImages';
export { evaluateGrowthGate, type GrowthLimit } from './growthGate';
export { compileIgnoreGlobs } from './ignoreGlobs';
export type * from './comparison';
export { packageDifferenceCounts, packageDifferences, packagesToCompare } from './packageDifferences';
