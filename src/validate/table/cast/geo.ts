/**
 * Types geopoint (formats default "lon, lat", array, object) and geojson (formats default and
 * topojson; frictionless `fields/geopoint.py`, `geojson.py`). Positions may carry an altitude
 * (RFC 7946).
 */

import { isObject } from '../../../package/descriptor.ts';
import { badFormat, ENUM_ONLY, INVALID, type Reader, type TypeImpl } from './field-type.ts';
import { parseJson, stableJson } from './json.ts';
import { numberKey, strippedPlainNumber } from './numbers.ts';

function coordinate(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  return strippedPlainNumber(v);
}

function geopointOf(lon: number, lat: number): unknown {
  // NaN fails both comparisons; infinities fall outside the ranges
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) return INVALID;
  return [lon, lat];
}

function geopointFromArray(v: unknown): unknown {
  if (!Array.isArray(v) || v.length !== 2) return INVALID;
  return geopointOf(coordinate(v[0]), coordinate(v[1]));
}

function geopointFromObject(v: unknown): unknown {
  if (!isObject(v) || Object.keys(v).length !== 2 || !('lon' in v) || !('lat' in v)) return INVALID;
  return geopointOf(coordinate(v.lon), coordinate(v.lat));
}

function readGeopointDefault(cell: string): unknown {
  const comma = cell.indexOf(',');
  if (comma < 0 || cell.indexOf(',', comma + 1) >= 0) return INVALID;
  return geopointOf(coordinate(cell.slice(0, comma)), coordinate(cell.slice(comma + 1)));
}

function geopointKey(v: unknown): string {
  const [lon, lat] = v as [number, number];
  return `g:${numberKey(lon)},${numberKey(lat)}`;
}

// GeoJSON (RFC 7946) and TopoJSON structure checks, after frictionless's JSON Schemas.

const isNum = (v: unknown): boolean => typeof v === 'number';
const isPosition = (v: unknown): boolean => Array.isArray(v) && v.length >= 2 && v.every(isNum);
const arrayOf =
  (item: (v: unknown) => boolean, min = 0) =>
  (v: unknown): boolean =>
    Array.isArray(v) && v.length >= min && v.every(item);
const isPositions = arrayOf(isPosition);
const isLineString = arrayOf(isPosition, 2);
const isLinearRing = arrayOf(isPosition, 4);
const isPolygon = arrayOf(isLinearRing);

const GEOMETRY_COORDINATES: Record<string, (v: unknown) => boolean> = {
  Point: isPosition,
  MultiPoint: isPositions,
  LineString: isLineString,
  MultiLineString: arrayOf(isLineString),
  Polygon: isPolygon,
  MultiPolygon: arrayOf(isPolygon),
};

function isGeometry(v: unknown): boolean {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  if (v.bbox !== undefined && !arrayOf(isNum)(v.bbox)) return false;
  if (v.type === 'GeometryCollection') return arrayOf(isGeometry)(v.geometries);
  const coords = Object.prototype.hasOwnProperty.call(GEOMETRY_COORDINATES, v.type) ? GEOMETRY_COORDINATES[v.type] : undefined;
  return coords !== undefined && coords(v.coordinates);
}

function isFeature(v: unknown): boolean {
  return (
    isObject(v) &&
    v.type === 'Feature' &&
    'geometry' in v &&
    (v.geometry === null || isGeometry(v.geometry)) &&
    'properties' in v &&
    (v.properties === null || isObject(v.properties)) &&
    (v.bbox === undefined || arrayOf(isNum)(v.bbox))
  );
}

function isGeoJson(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (v.type === 'Feature') return isFeature(v);
  if (v.type === 'FeatureCollection') {
    return arrayOf(isFeature)(v.features) && (v.bbox === undefined || arrayOf(isNum)(v.bbox));
  }
  return isGeometry(v);
}

const isInt = (v: unknown): boolean => Number.isInteger(v);
const isArcs1 = arrayOf(isInt);
const isArcs2 = arrayOf(isArcs1);
const TOPO_GEOMETRY: Record<string, (g: Record<string, unknown>) => boolean> = {
  Point: (g) => isPosition(g.coordinates),
  MultiPoint: (g) => isPositions(g.coordinates),
  LineString: (g) => isArcs1(g.arcs),
  MultiLineString: (g) => isArcs2(g.arcs),
  Polygon: (g) => isArcs2(g.arcs),
  MultiPolygon: (g) => arrayOf(isArcs2)(g.arcs),
  GeometryCollection: (g) => arrayOf(isTopoGeometry)(g.geometries),
};

function isTopoGeometry(v: unknown): boolean {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  if (v.properties !== undefined && !isObject(v.properties)) return false;
  const check = Object.prototype.hasOwnProperty.call(TOPO_GEOMETRY, v.type) ? TOPO_GEOMETRY[v.type] : undefined;
  return check !== undefined && check(v);
}

function isTopoJson(v: unknown): boolean {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  if (v.type !== 'Topology') return isTopoGeometry(v);
  const objects = v.objects;
  if (!isObject(objects) || !Object.values(objects).every(isTopoGeometry)) return false;
  const isArc = arrayOf((p) => p === null || isPosition(p), 2);
  if (!arrayOf(isArc)(v.arcs)) return false;
  const t = v.transform;
  if (t !== undefined) {
    if (!isObject(t)) return false;
    const pair = arrayOf(isNum, 2);
    if (!pair(t.scale) || !pair(t.translate)) return false;
  }
  return true;
}

export function geopointType(format: string): TypeImpl {
  let read: Reader;
  let expected: string;
  if (format === 'default') {
    read = readGeopointDefault;
    expected = 'a geopoint "lon, lat"';
  } else if (format === 'array') {
    read = (cell) => geopointFromArray(parseJson(cell, 91));
    expected = 'a geopoint [lon, lat]';
  } else if (format === 'object') {
    read = (cell) => geopointFromObject(parseJson(cell, 123));
    expected = 'a geopoint {"lon": …, "lat": …}';
  } else {
    return badFormat('geopoint', format);
  }
  return {
    read,
    expected: `${expected} (longitude -180..180, latitude -90..90)`,
    key: geopointKey,
    iso: read,
    fromJson: (v) => (Array.isArray(v) ? geopointFromArray(v) : geopointFromObject(v)),
    decimal: null,
    constraints: ENUM_ONLY,
    enumByKey: true,
  };
}

export function geojsonType(format: string): TypeImpl {
  if (format !== 'default' && format !== 'topojson') badFormat('geojson', format);
  const valid = format === 'topojson' ? isTopoJson : isGeoJson;
  const read = (cell: string): unknown => {
    const v = parseJson(cell, 123);
    return valid(v) ? v : INVALID;
  };
  return {
    read,
    expected: format === 'topojson' ? 'a TopoJSON object' : 'a GeoJSON object',
    key: (v) => `j:${stableJson(v)}`,
    iso: read,
    fromJson: (v) => (valid(v) ? v : INVALID),
    decimal: null,
    constraints: ENUM_ONLY,
    enumByKey: true,
  };
}
