import type { Method, Service } from "../service/index.js";
import type { Handler, ServiceImplementation } from "./handler.js";

/** A method with the handler that serves it. */
export interface Route {
  method: Method;
  handler: Handler;
  /** The service the method belongs to (its schema, for the web protocols' JSON). */
  service: Service;
}

/**
 * Maps a request's :path to its method and handler.
 *
 * Implementation keys may be the method's localName ("unaryCall") or its proto name
 * ("UnaryCall"). A key matching no method is a TypeError (a typo would otherwise go unnoticed),
 * and so is a second service with the same name.
 */
export class Router {
  private readonly routes = new Map<string, Route>();
  private readonly services = new Set<string>();
  private readonly declared = new Set<string>();

  /** Registers every implemented method of `service`. */
  add(service: Service, implementation: ServiceImplementation): void {
    if (this.services.has(service.name)) throw new TypeError(`server: service ${service.name} was already added`);
    const known = new Set<string>();
    const routes: Route[] = [];
    for (const method of Object.values(service.methods)) {
      known.add(method.localName).add(method.name);
      const handler = implementation[method.localName] ?? implementation[method.name];
      if (handler === undefined) continue;
      if (typeof handler !== "function") throw new TypeError(`server: the handler of ${service.name}.${method.name} must be a function`);
      routes.push({ method, handler, service });
    }
    for (const key of Object.keys(implementation))
      if (!known.has(key)) throw new TypeError(`server: service ${service.name} has no method ${JSON.stringify(key)}`);
    this.services.add(service.name);
    for (const method of Object.values(service.methods)) this.declared.add(method.path);
    for (const route of routes) this.routes.set(route.method.path, route);
  }

  /** The route for a :path, or undefined. */
  get(path: string): Route | undefined {
    return this.routes.get(path);
  }

  /** Whether `path` ("/pkg.Service/Method") names a method of a service that was added, implemented or not. */
  servesService(path: string): boolean {
    const slash = path.lastIndexOf("/");
    return path.startsWith("/") && slash > 0 && this.services.has(path.slice(1, slash));
  }

  /** Explains why `path` has no route, for the UNIMPLEMENTED message. */
  describeMissing(path: string): string {
    const slash = path.lastIndexOf("/");
    const serviceName = path.slice(1, Math.max(slash, 1));
    if (!path.startsWith("/") || slash <= 0) return `server: malformed :path ${JSON.stringify(path)}`;
    if (!this.services.has(serviceName)) return `server: unknown service ${serviceName}`;
    if (this.declared.has(path)) return `server: method ${path.slice(slash + 1)} of service ${serviceName} is not implemented`;
    return `server: unknown method ${path.slice(slash + 1)} of service ${serviceName}`;
  }
}
