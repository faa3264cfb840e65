/** Creates the simulator's certificates if needed and returns the path of its CA certificate. */
export function simulatorCaPath(root: string): string;
