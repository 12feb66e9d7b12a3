// Module resolution hook (see slow-imports.mjs): delays the resolution of `ora` by 400 ms.
export async function resolve(specifier, context, next) {
  if (specifier === 'ora') await new Promise((r) => setTimeout(r, 400));
  return next(specifier, context);
}
