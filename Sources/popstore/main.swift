print("popstore")
