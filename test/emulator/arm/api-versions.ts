/** Api-versions each ARM surface accepts; anything else → 400 InvalidApiVersionParameter. */
export const SENTINEL_API_VERSIONS = ['2025-09-01', '2022-09-01-preview'];

export const SUBSCRIPTIONS_API_VERSIONS = [
	'2022-12-01',
	'2022-09-01',
	'2021-01-01',
	'2020-01-01',
	'2019-11-01',
	'2019-06-01',
	'2018-06-01',
	'2016-06-01',
	'2015-11-01',
	'2015-01-01',
	'2014-04-01',
];

export const OPERATIONAL_INSIGHTS_API_VERSIONS = [
	'2025-07-01',
	'2025-02-01',
	'2023-09-01',
	'2022-10-01',
	'2021-12-01-preview',
	'2021-06-01',
	'2020-10-01',
	'2020-08-01',
	'2020-03-01-preview',
	'2015-11-01-preview',
];
