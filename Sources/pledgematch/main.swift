import ArgumentParser
import PledgeServer
print("hi")
