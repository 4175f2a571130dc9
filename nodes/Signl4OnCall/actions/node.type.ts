/** The resource → operation map of the SIGNL4 On-Call node. */
export type Signl4OnCallMap = {
	alert: 'send' | 'acknowledge' | 'resolve' | 'close' | 'annotate' | 'get';
	user: 'getMany';
};
