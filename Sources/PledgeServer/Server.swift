import Hummingbird
import OpenAPIHummingbird
import Prometheus
import PledgeAPI
public enum Server {}
