import type { ReactNode } from 'react';
import { useJourneyStep } from '../../../../src/react/index';
import { Link } from '../router';
import { formatPrice } from '../shop';
import { ORDER_KEY } from './checkout';

export function OrderPage({ orderId }: { orderId: string }): ReactNode {
  let total: number | undefined;
  try {
    const order = JSON.parse(sessionStorage.getItem(ORDER_KEY) ?? 'null') as {
      id: string;
      total: number;
    } | null;
    if (order?.id === orderId) total = order.total;
  } catch {
    // no summary: the page still confirms the order
  }
  useJourneyStep('purchase', total === undefined ? undefined : { value: total });
  return (
    <section className="panel done">
      <h1>Thank you!</h1>
      <p>
        Order <strong id="order-id">{orderId}</strong> is confirmed
        {total === undefined ? '' : `: ${formatPrice(total)}`}. It ships tomorrow.
      </p>
      <Link to="/" name="back-home" className="button">
        Back to the shop
      </Link>
    </section>
  );
}
