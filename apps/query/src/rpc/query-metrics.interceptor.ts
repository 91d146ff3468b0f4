import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { TcpContext } from '@nestjs/microservices';
import { Metrics } from '@memtrace/observability';
import { from, lastValueFrom, Observable } from 'rxjs';

/** Every RPC the query service serves, timed and counted by pattern and outcome (its error code). */
@Injectable()
export class QueryMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const pattern = execution.switchToRpc().getContext<TcpContext>().getPattern();
    return from(this.metrics.timeRpc('server', pattern, () => lastValueFrom(next.handle())));
  }
}
