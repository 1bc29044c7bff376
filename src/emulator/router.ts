/**
 * A tiny router: routes are path templates with `:name` segments (a segment may also be a literal prefix such
 * as `ic::code`), matched in registration order. Every route has a stable name, used by the fault rules and
 * by the request counters.
 */
import type { Handler, Service } from './http.js';

export interface Route {
  method: string;
  template: string;
  name: string;
  service: Service;
  handler: Handler;
  regex: RegExp;
  keys: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

function compile(template: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const at = segment.indexOf(':');
      if (at === -1) return escapeRegex(segment);
      keys.push(segment.slice(at + 1));
      return `${escapeRegex(segment.slice(0, at))}([^/]+)`;
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), keys };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, name: string, service: Service, handler: Handler): void {
    this.routes.push({ method, template, name, service, handler, ...compile(template) });
  }

  /** The matching route, or 'method' when the path exists under another method, or undefined. */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let pathExists = false;
    for (const route of this.routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return pathExists ? 'method' : undefined;
  }

  names(): string[] {
    return [...new Set(this.routes.map((r) => r.name))];
  }
}
