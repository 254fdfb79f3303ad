// The route-guide example's map: a few named features and the geometry the server needs.
import type { Feature, Point } from "./route_guide_pb.js";

/** Degrees to E7, the unit of Point (degrees times 10^7). */
const E7 = 1e7;

/** The features the server knows, on a small grid of points (made up for the example). */
export const FEATURES: readonly Feature[] = [
  { name: "Lighthouse on the north cape", location: { latitude: 407_838_351, longitude: -746_143_763 } },
  { name: "Old mill by the river", location: { latitude: 408_122_808, longitude: -743_999_179 } },
  { name: "Stone bridge", location: { latitude: 413_628_156, longitude: -749_015_468 } },
  { name: "Hill fort", location: { latitude: 419_999_544, longitude: -740_371_136 } },
  { name: "Harbour market", location: { latitude: 414_008_389, longitude: -743_951_297 } },
  { name: "Watch tower", location: { latitude: 419_611_318, longitude: -746_524_769 } },
];

/** The feature at `point`, if one is there. */
export function featureAt(point: Point): Feature | undefined {
  return FEATURES.find((f) => f.location?.latitude === point.latitude && f.location.longitude === point.longitude);
}

/** Whether `point` lies inside the rectangle with opposite corners `a` and `b` (edges included). */
export function inRectangle(point: Point, a: Point, b: Point): boolean {
  const [south, north] = [Math.min(a.latitude, b.latitude), Math.max(a.latitude, b.latitude)];
  const [west, east] = [Math.min(a.longitude, b.longitude), Math.max(a.longitude, b.longitude)];
  return point.latitude >= south && point.latitude <= north && point.longitude >= west && point.longitude <= east;
}

/** Great-circle distance in meters between two points (haversine formula, mean Earth radius). */
export function distanceMeters(from: Point, to: Point): number {
  const radians = (e7: number): number => ((e7 / E7) * Math.PI) / 180;
  const [lat1, lat2] = [radians(from.latitude), radians(to.latitude)];
  const dLat = lat2 - lat1;
  const dLon = radians(to.longitude) - radians(from.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h)));
}

/** The field violations of a point outside the map's valid range (empty when it is valid). */
export function pointViolations(point: Point, field: string): { field: string; description: string }[] {
  const violations: { field: string; description: string }[] = [];
  if (Math.abs(point.latitude) > 90 * E7)
    violations.push({ field: `${field}.latitude`, description: `${point.latitude} is outside ±90° (E7)` });
  if (Math.abs(point.longitude) > 180 * E7)
    violations.push({ field: `${field}.longitude`, description: `${point.longitude} is outside ±180° (E7)` });
  return violations;
}

/** A point as "lat,lon" in degrees, for printing. */
export function formatPoint(point: Point | undefined): string {
  return point === undefined ? "(none)" : `${(point.latitude / E7).toFixed(4)},${(point.longitude / E7).toFixed(4)}`;
}
