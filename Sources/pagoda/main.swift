print("pagoda")
