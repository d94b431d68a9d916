import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api';
import { QueryBoundary } from '../../components/query-boundary';
import { EmailProviderForm } from './email-provider-form';

export function EmailProviderPage() {
  const settings = useQuery({ queryKey: ['email-provider'], queryFn: api.emailProvider.get });
  return (
    <QueryBoundary query={settings} errorTitle="Could not load the provider settings">
      {(data) => <EmailProviderForm key={data.updated_at ?? 'none'} settings={data} />}
    </QueryBoundary>
  );
}
