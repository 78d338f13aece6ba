import PostgresNIO
import Crypto
import ServiceLifecycle
public enum Store {}
