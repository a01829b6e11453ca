// @ts-check
/**
 * TypeDoc plugin for the API site (`npm run docs`):
 * - modules carry their package names (`@handoff/lobby`, `@handoff/protocol/testing`)
 *   instead of their paths (`lobby/src`, `protocol/src/testing`);
 * - guides are titled by their first heading up to a colon or dash ("Getting started"),
 *   not their path (`docs/getting-started`); a package README is "@handoff/lobby README";
 * - the front page shows one "Handoff" heading: the site's, not the README's too.
 */
import { Converter, ReflectionKind } from 'typedoc';

/** `lobby/src` → `@handoff/lobby`; `protocol/src/testing` → `@handoff/protocol/testing`. */
function packageName(modulePath) {
  const match = /^(?:packages\/)?([\w-]+)\/src(?:\/(.+?))?(?:\/index)?$/.exec(modulePath);
  if (match === null) return undefined;
  return match[2] === undefined ? `@handoff/${match[1]}` : `@handoff/${match[1]}/${match[2]}`;
}

/** The text of the first `# ` heading of a document's content, if any. */
function firstHeading(parts) {
  const text = parts.map((part) => part.text).join('');
  return /^#\s+(.+?)\s*$/m.exec(text)?.[1];
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, document) => {
    const heading = firstHeading(document.content)?.replaceAll('`', '');
    if (heading === undefined) return;
    const title = heading.split(/: | — /)[0] ?? heading;
    document.name = title.startsWith('@handoff/') ? `${title} README` : title;
  });
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    for (const module of project.getReflectionsByKind(ReflectionKind.Module)) {
      const name = packageName(module.name);
      if (name !== undefined) module.name = name;
    }
    const first = project.readme?.[0];
    if (first?.kind === 'text') {
      const heading = new RegExp(`^#\\s+${project.name}\\s*\\n+`);
      first.text = first.text.replace(heading, '');
    }
  });
}
