import { useQuery } from '@tanstack/react-query';
import { api } from './api';

/** Names policies by id for timelines and logs; falls back to the id itself. */
export function usePolicyNames(): (policyId: string) => string {
  const policies = useQuery({
    queryKey: ['policies', 'names'],
    queryFn: () => api.policies.list({ limit: 100 }),
    staleTime: 60_000,
  });
  const names = new Map(policies.data?.data.map((p) => [p.policy_id, p.name]) ?? []);
  return (policyId) => names.get(policyId) ?? policyId;
}
