// The round-trip-time table behind the geo-delay presets, copied from /work/shared/geo-rtt.json.
// Source, as that file states it: "Round-trip times in milliseconds between cloud regions (AWS
// inter-region averages published in 2017). One-way delay is about half the RTT." Refresh it
// from a newer public table when one is at hand.

export const GEO_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'] as const;

export type GeoRegion = (typeof GEO_REGIONS)[number];

/** Average round-trip time between two different regions, in milliseconds (symmetric). */
export const GEO_RTT_MS: Readonly<Record<GeoRegion, Readonly<Record<GeoRegion, number>>>> = {
  'us-east-1': { 'us-east-1': 0, 'us-west-2': 87, 'eu-west-1': 81, 'ap-northeast-1': 145, 'ap-southeast-2': 230 },
  'us-west-2': { 'us-east-1': 87, 'us-west-2': 0, 'eu-west-1': 137, 'ap-northeast-1': 89, 'ap-southeast-2': 162 },
  'eu-west-1': { 'us-east-1': 81, 'us-west-2': 137, 'eu-west-1': 0, 'ap-northeast-1': 212, 'ap-southeast-2': 310 },
  'ap-northeast-1': { 'us-east-1': 145, 'us-west-2': 89, 'eu-west-1': 212, 'ap-northeast-1': 0, 'ap-southeast-2': 104 },
  'ap-southeast-2': { 'us-east-1': 230, 'us-west-2': 162, 'eu-west-1': 310, 'ap-northeast-1': 104, 'ap-southeast-2': 0 },
};

/** Round-trip time between two members in the same region (different zones). */
export const SAME_REGION_RTT_MS = 1.0;

/** Round-trip time between two members in the same zone. */
export const SAME_ZONE_RTT_MS = 0.25;
