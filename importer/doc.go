// Package importer is the pipeline that takes a person's file of users or
// guests to Kintone, as a library the command line and a web server both
// drive: Validate checks every row offline; Import creates or updates the
// users, with one report line per input row, in input order.
//
// A run is a chain of stages (see pipe): the reader streams rows from a
// sheet.Source; the check stage maps them (package mapping) and validates
// them (package validate), finishing the rows that cannot be sent; the
// sink takes the others. Validate's sink reports them valid; Import's
// batches them by 100 and sends each batch through its steps (look up,
// add or update, services, departments) with the sender, which paces
// every request (package pacer). Each row's fate is one outcome, which
// alone builds its report line; package sequence puts the lines back in
// input order. Progress is published as progress.Events.
//
// Whether a user that exists was created by an earlier, interrupted run is
// for package recovery to say: the importer records each create in its
// send log before sending it, and asks it on --resume.
package importer
