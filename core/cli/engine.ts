import { connectEngine, EngineError, type Engine } from '../docker';
import { CliError } from './errors';

/** Connects to the Docker engine, or stops with what to do about it. */
export async function connectOrExplain(): Promise<Engine> {
  try {
    return await connectEngine();
  } catch (error) {
    if (error instanceof EngineError) throw new CliError(error.message);
    throw error;
  }
}
