/** The lab's replicas are backend1..N, whatever the project calls its services (as the seed's nginx.conf does). */
export const backendName = (index: number): string => `backend${index}`;
