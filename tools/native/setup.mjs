console.log("native setup placeholder")
