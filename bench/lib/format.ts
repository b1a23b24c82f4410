export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

export const mib = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;
